// Shared and core code must not see Node: Buffer is a Node global.
export const bytes = Buffer.from('hi');
