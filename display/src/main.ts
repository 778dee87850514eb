import { mount } from 'svelte';
// The store has no internet and each player's own fallback looks different: the board brings its font.
import '@fontsource-variable/inter/wght.css';
import App from './App.svelte';
import { readParams } from './params.js';

// Before mounting: the page draws nothing until the hub's hello, and an OBS source must stay see-through meanwhile.
if (readParams(location.search).overlay) document.documentElement.dataset.overlay = '';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
export default mount(App, { target });
