/*
 * Signing in the browser through NCALayer (ncalayer-js-client).
 *
 * The contract with the pages:
 *   <form data-eds-form> … <input type="hidden" name="…" data-eds-sign="BASE64 OF THE BYTES TO SIGN"
 *                               [data-eds-key="AUTHENTICATION"]> … <p data-eds-status role="alert"></p>
 * On submit, every such input gets the base64 of a detached CMS of its bytes, made by NCALayer with a
 * signing key (SIGNATURE, the default) or a login key (AUTHENTICATION); then the form is submitted as
 * usual (with the button that was pressed). Errors go into the form's [data-eds-status] element in the
 * page's language: their texts are gettext messages the page puts in <script id="qyzmet-eds-messages">. While NCALayer works the submit buttons are disabled and further submits are ignored.
 * NCALayer's address comes from <meta name="qyzmet-ncalayer-url">. Works for forms swapped in by htmx:
 * the listener is on the document, in the capture phase, so it runs before htmx's own submit handler.
 */
(function () {
  'use strict';

  // Extended key usage OIDs NCALayer filters keys by: emailProtection signs, clientAuth logs in.
  var KEY_USAGE_OIDS = {
    SIGNATURE: ['1.3.6.1.5.5.7.3.4'],
    AUTHENTICATION: ['1.3.6.1.5.5.7.3.2'],
  };
  var NCALAYER_LOCALES = { kk: 'kk', ru: 'ru', en: 'en' };

  function language() {
    var lang = (document.documentElement.getAttribute('lang') || 'kk').slice(0, 2).toLowerCase();
    return NCALAYER_LOCALES[lang] ? lang : 'kk';
  }

  function message(name, detail) {
    var element = document.getElementById('qyzmet-eds-messages');
    var texts = element ? JSON.parse(element.textContent) : {};
    return (texts[name] || name).replace('{detail}', detail || '');
  }

  function ncalayerUrl() {
    var meta = document.querySelector('meta[name="qyzmet-ncalayer-url"]');
    return (meta && meta.getAttribute('content')) || 'wss://127.0.0.1:13579';
  }

  function keyType(input) {
    var asked = (input.getAttribute('data-eds-key') || 'SIGNATURE').toUpperCase();
    return KEY_USAGE_OIDS[asked] ? asked : 'SIGNATURE';
  }

  // basics returns PEM ("-----BEGIN CMS-----"); the forms carry bare base64 of the DER.
  function bareBase64(signature) {
    return String(signature).replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  }

  function statusElement(form) {
    var status = form.querySelector('[data-eds-status]');
    if (!status) {
      status = document.createElement('p');
      status.setAttribute('data-eds-status', '');
      status.setAttribute('role', 'alert');
      status.className = 'notice bad';
      form.insertBefore(status, form.firstChild);
    }
    return status;
  }

  function showStatus(form, text) {
    var status = statusElement(form);
    status.textContent = text;
    status.hidden = !text;
  }

  function submitButtons(form) {
    var inside = Array.prototype.slice.call(form.querySelectorAll('button, input[type="submit"], input[type="image"]'));
    var outside = form.id
      ? Array.prototype.slice.call(document.querySelectorAll('[form="' + CSS.escape(form.id) + '"]'))
      : [];
    return inside.concat(outside).filter(function (element) {
      return element.type === 'submit' || element.type === 'image';
    });
  }

  function setBusy(form, busy) {
    if (busy) {
      form.setAttribute('data-eds-busy', '');
      form.setAttribute('aria-busy', 'true');
    } else {
      form.removeAttribute('data-eds-busy');
      form.removeAttribute('aria-busy');
    }
    submitButtons(form).forEach(function (button) {
      if (busy && !button.disabled) {
        button.disabled = true;
        button.setAttribute('data-eds-disabled', '');
      } else if (!busy && button.hasAttribute('data-eds-disabled')) {
        button.disabled = false;
        button.removeAttribute('data-eds-disabled');
      }
    });
  }

  function describe(error) {
    var text = (error && error.message) || String(error);
    return text.length > 300 ? text.slice(0, 300) + '…' : text;
  }

  async function connect() {
    var client = new window.NCALayerClient(ncalayerUrl(), false);
    try {
      await client.connect();
    } catch (error) {
      close(client);
      var failure = new Error(message('notRunning'));
      failure.edsReported = true;
      throw failure;
    }
    return client;
  }

  function close(client) {
    if (client && client.wsConnection) {
      try {
        client.wsConnection.close();
      } catch (ignored) {
        /* already closed */
      }
    }
  }

  // One NCALayer operation per key type: the documents of that type are signed together.
  async function signInputs(client, inputs) {
    var groups = {};
    inputs.forEach(function (input) {
      var type = keyType(input);
      (groups[type] = groups[type] || []).push(input);
    });
    var Client = window.NCALayerClient;
    for (var type of Object.keys(groups)) {
      var group = groups[type];
      var data = group.map(function (input) { return input.getAttribute('data-eds-sign'); });
      var signer = { extKeyUsageOids: KEY_USAGE_OIDS[type], chain: [] };
      var result = await client.basicsSignCMS(
        Client.basicsStorageAll,
        data.length === 1 ? data[0] : data,
        Client.basicsCMSParamsDetachedNoTSP,
        signer,
        NCALAYER_LOCALES[language()],
      );
      var signatures = Array.isArray(result) ? result : [result];
      group.forEach(function (input, index) {
        input.value = bareBase64(signatures[index]);
      });
    }
  }

  function reportFailure(form, error) {
    if (error && error.edsReported) {
      showStatus(form, error.message);
    } else if (error && error.canceledByUser) {
      showStatus(form, message('cancelled'));
    } else if (error && /no key|NO_MATCHING_KEY/i.test(describe(error))) {
      showStatus(form, message('noKey', describe(error)));
    } else {
      showStatus(form, message('failed', describe(error)));
    }
  }

  function submitSigned(form, submitter) {
    setBusy(form, false);
    if (submitter && submitter.form === form) {
      // Disabling the button blurred it, and htmx forgets the pressed button on blur: focus tells it again.
      submitter.focus();
    }
    form.setAttribute('data-eds-signed', '');
    try {
      if (submitter && submitter.form === form) {
        form.requestSubmit(submitter);
      } else {
        form.requestSubmit();
      }
    } finally {
      form.removeAttribute('data-eds-signed');
    }
    // Keep the buttons disabled while the browser loads the answer; an htmx form stays on the page
    // and htmx reads its fields when the request goes out, so it is left to htmx (hx-disabled-elt).
    if (!form.matches('[hx-post], [hx-put], [hx-patch], [data-hx-post], [data-hx-put], [data-hx-patch]')) {
      setBusy(form, true);
    }
  }

  async function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-eds-form')) {
      return;
    }
    if (form.hasAttribute('data-eds-signed')) {
      return; // our own submit after signing: let it through to the browser or htmx
    }
    event.preventDefault();
    event.stopPropagation();
    if (form.hasAttribute('data-eds-busy')) {
      return; // a second click while NCALayer works does nothing
    }
    var inputs = Array.prototype.slice.call(form.querySelectorAll('input[data-eds-sign]'));
    if (!inputs.length) {
      return;
    }
    var submitter = event.submitter || null;
    showStatus(form, '');
    setBusy(form, true);
    var client = null;
    try {
      client = await connect();
      await signInputs(client, inputs);
    } catch (error) {
      inputs.forEach(function (input) { input.value = ''; });
      setBusy(form, false);
      reportFailure(form, error);
      return;
    } finally {
      close(client);
    }
    submitSigned(form, submitter);
  }

  document.addEventListener('submit', onSubmit, true);

  // A page restored from the back-forward cache must not keep its buttons disabled.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll('form[data-eds-form]').forEach(function (form) { setBusy(form, false); });
  });
}());
