// Must pass: the browser builds on shared code and the core.
import { engine } from '../core/engine.js';
import { rule } from '../../shared/rule.js';
export const both = engine + rule;
