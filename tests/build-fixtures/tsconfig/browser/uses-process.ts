// The browser has no Node: process is a Node global.
export const env = process.env;
