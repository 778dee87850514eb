import { mount, type Component } from 'svelte';
import Kiosk from './kiosk/Kiosk.svelte';
import Report from './report/Report.svelte';
import Staff from './staff/Staff.svelte';
import Track from './track/Track.svelte';
// Shipped with the pages, not fetched: the store has no internet. Latin text downloads only the latin subset.
import '@fontsource-variable/inter/wght.css';
import './base.css';

// One bundle, four entrances: /kiosk for customers, /staff for the floor, /report for the pilot, /track/NUMBER for phones.
const path = location.pathname;
const app: Component = path.startsWith('/staff') ? Staff : path.startsWith('/report') ? Report : path.startsWith('/track/') ? Track : Kiosk;

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
export default mount(app, { target });
