import { render } from 'preact';

function Popup() {
  return (
    <main>
      <h1>CORS Lens</h1>
      <p>Open DevTools and choose the CORS panel.</p>
    </main>
  );
}

const root = document.getElementById('app');
if (root) render(<Popup />, root);
