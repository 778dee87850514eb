/** Svelte 5 with runes everywhere; Vite's plugin reads this file. */
export default {
  compilerOptions: { runes: true },
};
