// Server, bots and tests run in Node: there is no window.
export const width = window.innerWidth;
