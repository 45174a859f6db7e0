// Must pass: shared code may use shared code and zod.
import { z } from 'zod';
import { rule } from './rule.js';
export const schema = z.literal(rule);
