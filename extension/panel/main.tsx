import { render } from 'preact';

function Panel() {
  return (
    <main>
      <h1>CORS Lens</h1>
      <p>Cross-origin requests of this tab will be listed here.</p>
    </main>
  );
}

const root = document.getElementById('app');
if (root) render(<Panel />, root);
