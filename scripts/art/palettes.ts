// Character design data, kept apart from the drawing code so a new character
// is one object here rather than new drawing logic.
import type { Color } from './canvas.js';

export type HairStyle = 'short' | 'topknot' | 'long' | 'buns' | 'bald';
export type Headwear = 'none' | 'conical' | 'hood';
export type Lower = 'pants' | 'skirt' | 'robe';
export type Collar = 'cross' | 'round' | 'zip';
export type Sash = 'belt' | 'diagonal' | 'none';

export interface CharacterSpec {
  readonly name: string;
  readonly skin: Color;
  readonly hair: Color;
  readonly hairStyle: HairStyle;
  readonly headwear: Headwear;
  /** Hat straw / hood cloth colour (unused when headwear is 'none'). */
  readonly headwearColor: Color;
  readonly top: Color;
  /** Collar edging, cuffs and other small contrasting trim. */
  readonly trim: Color;
  readonly collar: Collar;
  readonly lower: Lower;
  readonly bottom: Color;
  readonly shoes: Color;
  readonly sash: Sash;
  readonly sashColor: Color;
  /** Hair ribbon / flower / buns tie: one small pop of colour on the head. */
  readonly accent: Color;
  readonly sword: boolean;
}

/** Every character shares this outline so the cast reads as one set. */
export const OUTLINE: Color = 0x1f1526;
export const EYE: Color = 0x2a1b2e;
export const BLUSH: Color = 0xf08a8a;

export const CHARACTERS: readonly CharacterSpec[] = [
  {
    // Wandering swordsman: topknot with a red ribbon, teal cross-collar
    // tunic, sword slung across the back.
    name: 'swordsman',
    skin: 0xf2c7a0,
    hair: 0x2b2333,
    hairStyle: 'topknot',
    headwear: 'none',
    headwearColor: 0,
    top: 0x2e8c87,
    trim: 0xe9e2cf,
    collar: 'cross',
    lower: 'pants',
    bottom: 0x33304a,
    shoes: 0x3a2a24,
    sash: 'belt',
    sashColor: 0xe9e2cf,
    accent: 0xd8383c,
    sword: true,
  },
  {
    // Long-haired heroine in a red jacket and skirt, pink flower in her hair.
    name: 'heroine',
    skin: 0xfad9c1,
    hair: 0x5a3026,
    hairStyle: 'long',
    headwear: 'none',
    headwearColor: 0,
    top: 0xc9343f,
    trim: 0xf2c14e,
    collar: 'cross',
    lower: 'skirt',
    bottom: 0x8e2439,
    shoes: 0x4a2230,
    sash: 'belt',
    sashColor: 0xf2c14e,
    accent: 0xff9ec2,
    sword: false,
  },
  {
    // Farmer-wanderer under a conical straw hat (douli), olive work clothes.
    name: 'farmer',
    skin: 0xc98b5c,
    hair: 0x4a3428,
    hairStyle: 'short',
    headwear: 'conical',
    headwearColor: 0xd9b36a,
    top: 0x6e8f3b,
    trim: 0xc9d6a0,
    collar: 'round',
    lower: 'pants',
    bottom: 0x6b4f35,
    shoes: 0x8a6a3c,
    sash: 'belt',
    sashColor: 0x4a3726,
    accent: 0xb5322f,
    sword: false,
  },
  {
    // Hooded mystic: deep purple hood and mantle, gold sash, dark skin.
    name: 'mystic',
    skin: 0x8e5a3b,
    hair: 0x1d1b26,
    hairStyle: 'short',
    headwear: 'hood',
    headwearColor: 0x56408a,
    top: 0x3e3560,
    trim: 0xd9a441,
    collar: 'round',
    lower: 'pants',
    bottom: 0x3d3f52,
    shoes: 0x2b2a33,
    sash: 'belt',
    sashColor: 0xd9a441,
    accent: 0xd9a441,
    sword: false,
  },
  {
    // Shaven-headed monk in a long saffron robe with a red kasaya band.
    name: 'monk',
    skin: 0xdca272,
    hair: 0xdca272,
    hairStyle: 'bald',
    headwear: 'none',
    headwearColor: 0,
    top: 0xec8a2c,
    trim: 0xffd08a,
    collar: 'cross',
    lower: 'robe',
    bottom: 0xec8a2c,
    shoes: 0x5a3a24,
    sash: 'diagonal',
    sashColor: 0xa8322a,
    accent: 0xa8322a,
    sword: false,
  },
  {
    // Modern city kid: pink twin buns, yellow hoodie, jeans, white sneakers.
    name: 'citykid',
    skin: 0xffe2cf,
    hair: 0xf07aaa,
    hairStyle: 'buns',
    headwear: 'none',
    headwearColor: 0,
    top: 0xf7c531,
    trim: 0xfff4d6,
    collar: 'zip',
    lower: 'pants',
    bottom: 0x3f6db3,
    shoes: 0xf4f1ea,
    sash: 'none',
    sashColor: 0,
    accent: 0x6fd0e0,
    sword: false,
  },
];
