// An async callback where the caller ignores the return value: a rejection inside it is lost.
async function save(): Promise<void> {
  await Promise.resolve();
}

export function every(ms: number): void {
  setInterval(async () => {
    await save();
  }, ms);
}
