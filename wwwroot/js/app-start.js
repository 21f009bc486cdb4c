// Starts Blazor (App.razor loads blazor.web.js with autostart="false").
// Every page: the circuit's state is kept on <html data-connection="up|down"> and announced with a
// 'blazormood:connection' event, so browser modules hold their calls into .NET while the circuit is down (Blazor's
// own send would fail with an unhandled rejection) and catch up when it is back.
// Ordinary pages keep Blazor's own reconnect dialog. Pages in the kiosk layout ([data-kiosk-layout]: a screen nobody
// touches) get a handler that never gives up: it retries the circuit; when the server answers but no longer knows the
// circuit (it restarted), or serves the page but refuses the circuit (the device's sign-in changed), it reloads the
// page once the page can be served. A circuit that failed for good (the error bar) reloads the same way.
(() => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const kiosk = document.querySelector('[data-kiosk-layout]') !== null;

  function setConnection(state, text) {
    document.documentElement.dataset.connection = state;
    document.dispatchEvent(new CustomEvent('blazormood:connection', { detail: state }));
    const el = document.querySelector('[data-kiosk-connection]');
    if (el) {
      el.textContent = text ?? '';
      el.hidden = !text;
    }
  }

  let reloading = false;

  // True when the server answers for this page: 2xx, or a redirect or refusal the reloaded page will show for itself.
  async function pageIsServed() {
    try {
      const response = await fetch(location.href, { cache: 'no-store', redirect: 'manual', credentials: 'same-origin' });
      return response.ok || response.type === 'opaqueredirect' || (response.status >= 400 && response.status < 500);
    } catch {
      return false; // not listening (yet)
    }
  }

  // Reloading while the server is still down would leave the browser's own error page, which never heals: ask first.
  async function reloadWhenServed() {
    if (reloading) return;
    reloading = true;
    setConnection('down', 'Restarting…');
    for (let attempt = 0; !(await pageIsServed()); attempt++) {
      await sleep(Math.min(1000 * (attempt + 1), 5000));
    }
    location.reload();
  }

  function kioskReconnection() {
    let down = false;
    return {
      onConnectionDown() {
        if (down) return;
        down = true;
        setConnection('down', 'Reconnecting…');
        (async () => {
          let refusedWhileServed = 0;
          for (let attempt = 0; down && !reloading; attempt++) {
            await sleep(Math.min(500 * (attempt + 1), 5000));
            if (!down) return;
            try {
              if (await Blazor.reconnect()) return; // onConnectionUp follows
              await reloadWhenServed(); // the server restarted: this circuit is gone
              return;
            } catch {
              // Unreachable, or reachable but refusing the circuit: twice refused while the page is served means the
              // circuit will never come back (a revoked device); the reloaded page says why.
              refusedWhileServed = (await pageIsServed()) ? refusedWhileServed + 1 : 0;
              if (refusedWhileServed >= 2) {
                await reloadWhenServed();
                return;
              }
            }
          }
        })();
      },
      onConnectionUp() {
        down = false;
        setConnection('up', null);
      },
    };
  }

  // Blazor's own dialog, with the state recorded around it.
  const tracked = {
    onConnectionDown(...args) {
      setConnection('down', null);
      return Blazor.defaultReconnectionHandler.onConnectionDown(...args);
    },
    onConnectionUp(...args) {
      setConnection('up', null);
      return Blazor.defaultReconnectionHandler.onConnectionUp(...args);
    },
  };

  Blazor.start({ circuit: { reconnectionHandler: kiosk ? kioskReconnection() : tracked } });
  if (!kiosk) return;
  const errorBar = document.getElementById('blazor-error-ui');
  if (errorBar) {
    new MutationObserver(() => {
      if (getComputedStyle(errorBar).display !== 'none') setTimeout(reloadWhenServed, 3000);
    }).observe(errorBar, { attributes: true, attributeFilter: ['style', 'class'] });
  }
})();
