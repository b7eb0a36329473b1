import { mount } from 'svelte';
import '../../shell/theme.css';
import LiveHarness from './LiveHarness.svelte';

mount(LiveHarness, { target: document.getElementById('app')! });
