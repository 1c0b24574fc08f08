// First: it must run before any contract schema is built.
import '../api/strict-csp';
import { createRoot } from 'react-dom/client';
import '@patternfly/react-core/dist/styles/base.css';
import './styles.css';
import { followSystemTheme } from './app/system-theme';
import { Boot } from './boot/boot';

followSystemTheme();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<Boot />);
