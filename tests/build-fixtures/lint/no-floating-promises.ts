// A promise nobody awaits: its rejection is lost (or crashes the process as unhandled).
async function save(): Promise<void> {
  await Promise.resolve();
}

export function onTick(): void {
  save();
}
