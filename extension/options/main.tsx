/** The options page (`options_ui`): the settings the worker keeps, changed through `cors:settings`. */
import { render } from 'preact';
import { Options } from './Options.tsx';
import './options.css';

document.documentElement.dataset.theme = matchMedia('(prefers-color-scheme: dark)').matches
  ? 'dark'
  : 'light';

const root = document.getElementById('app');
if (root) render(<Options />, root);
