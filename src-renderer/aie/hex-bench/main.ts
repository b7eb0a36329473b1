import { mount } from 'svelte';
import '../../shell/theme.css';
import HexHarness from './HexHarness.svelte';

mount(HexHarness, { target: document.getElementById('app')! });
