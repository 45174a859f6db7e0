import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP, stepBody, type Body } from './movement.js';
import { FOOT_HALF_HEIGHT, FOOT_HALF_WIDTH, isFree, nearestFree, terrainFor, terrainFromRows, type Terrain } from './terrain.js';
import { TILE, layoutMap } from './world-map.js';
import { DEFAULT_RULES, quantise, type WorldRules } from './world-rules.js';

const terrainOf = terrainFromRows;

const RULES: WorldRules = { ...DEFAULT_RULES, widthUnits: 8 * TILE, heightUnits: 8 * TILE };
const perTick = RULES.speedUnitsPerS / RULES.tickRateHz;
const walk = (b: Body, dirs: number, ticks: number, t: Terrain): Body => {
  for (let i = 0; i < ticks; i++) b = stepBody(b, dirs, RULES, t);
  return b;
};
const at = (x: number, y: number): Body => ({ x, y, facing: 0, moving: false });

// Water fills column 4 (x 128..160).
const WALL = terrainOf(['....#...', '....#...', '....#...', '....#...', '....#...', '....#...', '....#...', '....#...']);

test('walking into water stops flush against it, and pressing on does not walk in place', () => {
  const b = walk(at(100, 100), DIR_RIGHT, 20, WALL);
  assert.equal(b.x, 4 * TILE - FOOT_HALF_WIDTH);
  assert.equal(b.y, 100);
  assert.equal(b.moving, false);
  assert.equal(b.facing, 2);
  assert.ok(isFree(WALL, b.x, b.y));
});

test('walking diagonally into a wall slides along it at the along-the-wall speed', () => {
  const b0 = walk(at(100, 100), DIR_RIGHT, 20, WALL);
  const b1 = stepBody(b0, DIR_RIGHT | DIR_DOWN, RULES, WALL);
  assert.equal(b1.x, b0.x);
  assert.ok(b1.y > b0.y, 'slides down');
  assert.equal(b1.y, quantise(b1.y));
  assert.ok(b1.y - b0.y <= perTick);
  assert.equal(b1.moving, true);
});

test('diagonal into an inner corner stops in the corner; into an outer corner slides past it', () => {
  // Water fills row 4 and column 4 above it: an inner corner at the top-left of (4, 4).
  const corner = terrainOf(['....#...', '....#...', '....#...', '....#...', '########', '........', '........', '........']);
  const b = walk(at(100, 100), DIR_RIGHT | DIR_DOWN, 40, corner);
  assert.deepEqual([b.x, b.y], [4 * TILE - FOOT_HALF_WIDTH, 4 * TILE - FOOT_HALF_HEIGHT]);
  assert.equal(b.moving, false);
  // One water tile at (4, 4); come at its top-left corner exactly diagonally.
  const block = terrainOf(['........', '........', '........', '........', '....#...', '........', '........', '........']);
  let c: Body = at(4 * TILE - FOOT_HALF_WIDTH - 30, 4 * TILE - FOOT_HALF_HEIGHT - 30);
  for (let i = 0; i < 40; i++) {
    const next = stepBody(c, DIR_RIGHT | DIR_DOWN, RULES, block);
    assert.ok(isFree(block, next.x, next.y), `tick ${i}: inside the block at ${next.x},${next.y}`);
    assert.ok(Math.hypot(next.x - c.x, next.y - c.y) <= perTick + 1e-9);
    c = next;
  }
  assert.ok(c.x > 5 * TILE || c.y > 5 * TILE, 'got round the block instead of sticking on its corner');
});

test('a tree blocks only its trunk: a player can stand behind it, under the crown', () => {
  const tree = terrainOf(['........', '........', '...T....', '........', '........', '........', '........', '........']);
  // Walking down towards the trunk from above: stops on the trunk's top edge, inside the tree's tile.
  const b = walk(at(3 * TILE + 16, 40), DIR_DOWN, 30, tree);
  assert.equal(b.y, 2 * TILE + 21 - FOOT_HALF_HEIGHT);
  assert.ok(b.y > 2 * TILE, 'stands inside the tree tile, behind the trunk');
  // Beside the trunk it walks past freely.
  const c = walk(at(3 * TILE + 2, 40), DIR_DOWN, 30, tree);
  assert.equal(c.y, 40 + 30 * perTick);
});

test('the speed limit holds with obstacles: no step is longer than a free one', () => {
  const t = terrainOf(['.#..T...', '..T.#...', '#...T..#', '...##...', '.T......', '....T.#.', '..#.....', 'T...#..T']);
  for (let dirs = 1; dirs < 16; dirs++) {
    let b: Body = at(130.375, 90.125);
    for (let i = 0; i < 120; i++) {
      const next = stepBody(b, dirs, RULES, t);
      assert.ok(Math.hypot(next.x - b.x, next.y - b.y) <= perTick + 1e-9, `dirs ${dirs} step ${i}`);
      assert.equal(next.x, quantise(next.x));
      assert.equal(next.y, quantise(next.y));
      b = next;
    }
  }
});

test('a body inside an obstacle (a map change) can walk out; nearestFree finds a spot outside', () => {
  const inside = at(4 * TILE + 10, 100);
  assert.equal(isFree(WALL, inside.x, inside.y), false);
  const out = walk(inside, DIR_LEFT, 10, WALL);
  assert.ok(isFree(WALL, out.x, out.y));
  const spot = nearestFree(WALL, inside.x, inside.y, { minX: 8, minY: 8, maxX: 248, maxY: 248 });
  assert.ok(isFree(WALL, spot.x, spot.y));
  assert.equal(spot.y, 100);
  assert.equal(spot.x, 4 * TILE - FOOT_HALF_WIDTH, 'the nearest free spot is just left of the water');
});

test('the shared map blocks trees and water, and the spawn plaza is free', () => {
  const t = terrainFor(DEFAULT_RULES);
  const layout = layoutMap(DEFAULT_RULES.widthUnits, DEFAULT_RULES.heightUnits);
  let water = 0;
  let trees = 0;
  for (let y = 0; y < layout.rows; y++) {
    for (let x = 0; x < layout.cols; x++) {
      const name = layout.tileAt(x, y);
      if (name === 'water') {
        water++;
        assert.equal(isFree(t, x * TILE + 16, y * TILE + 16), false);
      }
      if (name === 'tree') {
        trees++;
        assert.equal(isFree(t, x * TILE + 16, y * TILE + 25), false);
      }
    }
  }
  assert.ok(water > 10 && trees > 50, `a real map (${water} water, ${trees} trees)`);
  for (let y = 420; y <= 580; y += 4) for (let x = 420; x <= 580; x += 4) assert.ok(isFree(t, x, y), `${x},${y}`);
});

test('property: stepping is deterministic and never ends inside an obstacle, on random maps', () => {
  const cell = fc.constantFrom('.', '.', '.', '#', 'T');
  fc.assert(
    fc.property(fc.array(fc.array(cell, { minLength: 8, maxLength: 8 }).map((r) => r.join('')), { minLength: 8, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 200 }), (rows, inputs) => {
      const t = terrainOf(rows);
      const start = nearestFree(t, 128, 128, { minX: 8, minY: 8, maxX: 248, maxY: 248 });
      if (!isFree(t, start.x, start.y)) return;
      let a: Body = at(start.x, start.y);
      let b: Body = at(start.x, start.y);
      for (const d of inputs) {
        const na = stepBody(a, d, RULES, t);
        assert.ok(isFree(t, na.x, na.y));
        assert.ok(Math.hypot(na.x - a.x, na.y - a.y) <= perTick + 1e-9);
        a = na;
        b = stepBody(b, d, RULES, t);
      }
      assert.deepEqual(a, b);
    }),
    { numRuns: 200, seed: 14 },
  );
});
