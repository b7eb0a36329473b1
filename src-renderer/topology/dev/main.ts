import { mount } from 'svelte';
import Harness from './Harness.svelte';

performance.mark('harness-start');
mount(Harness, { target: document.getElementById('app')! });
performance.mark('harness-mounted');
