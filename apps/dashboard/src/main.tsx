import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { KeyDialog } from './components/KeyDialog';
import { CatalogPage } from './pages/CatalogPage';
import { DensityPage } from './pages/DensityPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SubmitPage } from './pages/SubmitPage';
import { WorkersPage } from './pages/WorkersPage';
import { useRoute } from './router';
import './styles.css';

const NAV = [
  ['runs', 'Runs'],
  ['submit', 'Submit'],
  ['workers', 'Workers'],
  ['catalog', 'Models and benchmarks'],
  ['density', 'Density'],
] as const;

function App() {
  const [page, id] = useRoute();
  // A saved key re-mounts the page, whose requests then carry it.
  const [generation, setGeneration] = useState(0);
  const content =
    page === 'runs' && id ? <RunPage id={id} /> : page === 'submit' ? <SubmitPage /> : page === 'workers' ? <WorkersPage /> : page === 'catalog' ? <CatalogPage /> : page === 'density' ? <DensityPage /> : <RunsPage />;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header>
        <strong className="brand">densebench</strong>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}><a href={`#/${path}`} aria-current={page === path ? 'page' : undefined}>{label}</a></li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} key={`${page}/${id ?? ''}/${generation}`}>{content}</main>
      <KeyDialog onSaved={() => setGeneration((g) => g + 1)} />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
