import { bot } from '../../bots/bot.js';
export const b = bot;
