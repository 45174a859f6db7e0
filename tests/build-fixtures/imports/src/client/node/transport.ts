export const transport = 'ws';
