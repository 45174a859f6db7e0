// Shared and core code must not see the DOM either.
export const title = document.title;
