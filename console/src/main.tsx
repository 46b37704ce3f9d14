/**
 * The staff console (DESIGN.md §10): sign-in with a staff key kept in sessionStorage, a
 * sidebar, and hash routes (#/overview, #/customers/<id>, ...) so no key or data ever goes into
 * a URL the server sees.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { request, session, SignedOut, whenSignedOut } from './api.js';
import { BundleView } from './views/bundle.js';
import { CustomerView } from './views/customer.js';
import { CustomersView } from './views/customers.js';
import { InstallView } from './views/install.js';
import { InstallsView } from './views/installs.js';
import { OverviewView, overviewCounts } from './views/overview.js';
import { ReportsView } from './views/reports.js';

interface Route {
  path: string[];
  params: URLSearchParams;
}

function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

const NAV = [
  { id: 'overview', label: 'Overview', icon: '◧' },
  { id: 'customers', label: 'Customers', icon: '◎' },
  { id: 'installs', label: 'Installs', icon: '▤' },
  { id: 'reports', label: 'Reports', icon: '▦' },
  { id: 'bundles', label: 'Bundle upload', icon: '⇪' },
];

function App() {
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    whenSignedOut((why) => {
      setMessage(why);
      setSignedIn(false);
    });
  }, []);
  if (!signedIn)
    return (
      <SignIn
        message={message}
        onSignedIn={() => {
          setMessage('');
          setSignedIn(true);
          if (!location.hash || location.hash === '#/') location.hash = '#/overview';
        }}
      />
    );
  return (
    <Shell
      onSignOut={() => {
        session.signOut();
        setMessage('You are signed out. The key was removed from this browser tab.');
        setSignedIn(false);
      }}
    />
  );
}

function SignIn({ message, onSignedIn }: { message: string; onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  async function submit(event: Event) {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) return setError('Paste a staff API key.');
    setBusy(true);
    setError('');
    // Landing on the overview: its slowest read (the customer listing) starts with the key check.
    const toOverview = !location.hash || location.hash === '#/' || location.hash.startsWith('#/overview');
    if (toOverview) overviewCounts.start(candidate, ['customers']);
    try {
      // A staff-only call that answers quickly: the key is kept only once the service accepts it.
      await request('/v1/reports/stale?limit=1', { key: candidate });
      if (toOverview) overviewCounts.start(candidate, ['stale', 'over', 'duplicates', 'expiring30', 'expiring60', 'expiring', 'versions']);
      session.signIn(candidate);
      setKey('');
      onSignedIn();
    } catch (e) {
      overviewCounts.discard();
      const status = (e as { status?: number }).status;
      setError(status === 403 ? 'This key is not a staff key (403).' : e instanceof SignedOut ? 'The service refused this key (401). Check that you pasted the whole staff key.' : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="signin" id="main">
      <form class="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="brand large">
          <span class="logo" aria-hidden="true">M</span>
          <span>MPA Licensing</span>
        </div>
        <h1 id="signin-title">Sign in to the staff console</h1>
        {message ? (
          <p class="notice" role="status">
            {message}
          </p>
        ) : null}
        <label for="staff-key">Staff API key</label>
        <input
          id="staff-key"
          ref={input}
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          aria-describedby="staff-key-help"
          aria-invalid={error ? 'true' : undefined}
        />
        <p id="staff-key-help" class="help">
          Paste it once; it is kept in this browser tab only (sessionStorage) and sent only to this service. Running locally? It is in <code>.data/staff-api-key</code>.
        </p>
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button primary wide" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute();
  const section = route.path[0] ?? 'overview';
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // A new view: move focus to its heading, as a page load would (keyboard and screen readers).
    if (first.current) return void (first.current = false);
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.path.join('/')]);
  return (
    <div class="layout">
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.querySelector<HTMLElement>('h1')?.focus();
        }}
      >
        Skip to content
      </a>
      <aside class="sidebar">
        <div class="sidebar-inner">
          <div class="brand">
            <span class="logo" aria-hidden="true">M</span>
            <span>MPA Licensing</span>
          </div>
          <nav aria-label="Console">
            <ul>
              {NAV.map((item) => (
                <li key={item.id}>
                  <a href={`#/${item.id}`} aria-current={section === item.id ? 'page' : undefined}>
                    <span class="nav-icon" aria-hidden="true">
                      {item.icon}
                    </span>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <button type="button" class="button ghost signout" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" ref={main} class="content">
        <View route={route} />
      </main>
    </div>
  );
}

function View({ route }: { route: Route }) {
  const [section = 'overview', id] = route.path;
  switch (section) {
    case 'customers':
      return id ? <CustomerView key={id} customerId={id} /> : <CustomersView params={route.params} />;
    case 'installs':
      return id ? <InstallView key={id} installId={id} /> : <InstallsView params={route.params} />;
    case 'reports':
      return <ReportsView name={id} params={route.params} />;
    case 'bundles':
      return <BundleView />;
    default:
      return <OverviewView />;
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element to render the console into');
// The "Loading the console…" placeholder goes; preact renders into an empty element.
root.replaceChildren();
render(<App />, root);
