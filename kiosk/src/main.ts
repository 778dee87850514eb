import { mount, type Component } from 'svelte';
import Kiosk from './kiosk/Kiosk.svelte';
import Staff from './staff/Staff.svelte';
import Track from './track/Track.svelte';
// Shipped with the pages, not fetched: the store has no internet. Latin text downloads only the latin subset.
import '@fontsource-variable/inter/wght.css';
import './base.css';

// One bundle, three entrances: /kiosk for customers, /staff for the floor, /track/NUMBER for phones.
const path = location.pathname;
const app: Component = path.startsWith('/staff') ? Staff : path.startsWith('/track/') ? Track : Kiosk;

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
export default mount(app, { target });
