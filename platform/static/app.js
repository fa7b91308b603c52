// The pages' only script: it talks to the CA client service (zca bridge, or the key vendor's)
// on 127.0.0.1 for CA login and binding. Everything else works without it.
'use strict';

const SGD_SHA256_RSA = 0x00010004;
const SGD_SM3_SM2 = 0x00020201;
const $ = (id) => document.getElementById(id);
const text = (name) => $('texts') ? $('texts').dataset[name] || '' : '';

// Connects to the first CA client service that answers; null when none does.
async function connectBridge() {
  const urls = JSON.parse(document.body.dataset.bridge || '[]');
  for (const url of urls) {
    const client = await new Promise((resolve) => {
      let ws;
      try { ws = new WebSocket(url); } catch (e) { resolve(null); return; }
      const timer = setTimeout(() => { ws.close(); resolve(null); }, 2000);
      ws.onerror = () => { clearTimeout(timer); resolve(null); };
      ws.onopen = () => { clearTimeout(timer); resolve(makeClient(ws)); };
    });
    if (client) return client;
  }
  return null;
}

// Calls answer in order of their ids; a closed connection (the service stopped, the key was
// removed) fails every call still waiting instead of leaving the page hanging.
function makeClient(ws) {
  let next = 0;
  const pending = {};
  ws.onmessage = (ev) => {
    const answer = JSON.parse(ev.data);
    const done = pending[answer.call_cmd_id];
    if (done) { delete pending[answer.call_cmd_id]; done.resolve(answer.retVal); }
  };
  ws.onclose = () => {
    for (const id of Object.keys(pending)) { pending[id].reject(new Error(text('clientGone'))); delete pending[id]; }
  };
  const call = (name, ...param) => new Promise((resolve, reject) => {
    if (ws.readyState !== WebSocket.OPEN) { reject(new Error(text('clientGone'))); return; }
    const id = 'i_' + (++next);
    pending[id] = { resolve, reject };
    ws.send(JSON.stringify({ xtx_func_name: name, call_cmd_id: id, param }));
  });
  return { call, close: () => ws.close(), open: () => ws.readyState === WebSocket.OPEN };
}

// The certificates on the inserted keys: [{name, id}].
async function userList(client) {
  const list = await client.call('SOF_GetUserList');
  return list.split('&&&').filter((e) => e.includes('||')).map((e) => {
    const [name, id] = e.split('||');
    return { name, id };
  });
}

function fill(select, certs) {
  select.replaceChildren(...certs.map((c) => {
    const o = document.createElement('option');
    o.value = c.id;
    o.textContent = c.name;
    return o;
  }));
}

async function post(url, body) {
  const csrf = document.querySelector('meta[name=csrf]').content;
  const resp = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error((data.error && data.error.message) || resp.statusText);
  return data;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer)).map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Logs in to the key (PIN), signs the platform's challenge the way the contract says, and
// returns the proof: {challenge_id, certificate, algorithm, signature[, ca_lock_id]}.
async function prove(client, certId, pin, purpose) {
  if (await client.call('SOF_Login', certId, pin) !== 'true') {
    const left = Number(await client.call('SOF_GetPinRetryCount', certId));
    let message = text('pinWrong');
    if (left >= 0) message += ` (${text('triesLeft')}: ${left})`;
    if (left === 1) message += ' ' + text('finalTry');
    throw new Error(message);
  }
  try {
    const challenge = await post('/web/ca/challenge', { purpose });
    if (challenge.origin !== location.origin) throw new Error(`${text('originMismatch')} ${challenge.origin}`);
    const certificate = await client.call('SOF_ExportUserCert', certId);
    const der = Uint8Array.from(atob(certificate), (c) => c.charCodeAt(0));
    const sha256 = hex(await crypto.subtle.digest('SHA-256', der));
    const kind = await client.call('SOF_GetCertInfo', certificate, 3);
    const algorithm = kind === 'SM2' ? 'sm2-sm3' : kind === 'RSA' ? 'rsa-pkcs1-sha256' : 'ecdsa-p256-sha256';
    await client.call('SOF_SetSignMethod', kind === 'SM2' ? SGD_SM3_SM2 : SGD_SHA256_RSA);
    let caLockId = '';
    if (purpose === 'bind') {
      // 3: the device's serial number, the CA锁ID; the certID ends with it too (container/serial).
      caLockId = await client.call('GetDeviceInfo', certId, 3) || certId.split('/').pop();
    }
    const signed = ['zca/1', purpose, challenge.origin, challenge.challenge_id, challenge.nonce, sha256, caLockId].join('\n');
    const signature = await client.call('SOF_SignData', certId, signed);
    if (!signature) throw new Error(text('signFailed'));
    const proof = { challenge_id: challenge.challenge_id, certificate, algorithm, signature };
    if (purpose === 'bind') proof.ca_lock_id = caLockId;
    return proof;
  } finally {
    await client.call('SOF_Logout', certId);
  }
}

function show(el, message) {
  el.textContent = message;
  el.hidden = false;
}

async function loginPage() {
  const status = $('ca-status');
  const client = await connectBridge();
  status.hidden = true;
  if (!client) { $('no-client').hidden = false; return; }
  const certs = await userList(client);
  if (certs.length === 0) { $('ca-none').hidden = false; return; }
  fill($('ca-cert'), certs);
  $('ca-form').hidden = false;
  $('ca-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('ca-error').hidden = true;
    const button = $('ca-login-button');
    button.disabled = true;
    show(status, text('working'));
    try {
      const proof = await prove(client, $('ca-cert').value, $('ca-pin').value, 'login');
      const done = await post('/web/ca/login', proof);
      location.assign(done.redirect);
    } catch (e) {
      show($('ca-error'), e.message);
    } finally {
      status.hidden = true;
      $('ca-pin').value = '';
      button.disabled = false;
    }
  });
}

async function caUsersPage() {
  const dialog = $('bind-dialog');
  let client = null;
  $('add-binding').addEventListener('click', async () => {
    dialog.showModal();
    $('bind-error').hidden = true;
    $('bind-status').hidden = false;
    if (!client || !client.open()) client = await connectBridge();
    $('bind-status').hidden = true;
    if (!client) { $('no-client').hidden = false; return; }
    const certs = await userList(client);
    if (certs.length === 0) { show($('bind-error'), text('caNone')); return; }
    fill($('bind-cert'), certs);
    $('bind-cert').focus();
  });
  $('bind-cancel').addEventListener('click', () => dialog.close());
  $('bind-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!client) return;
    $('bind-error').hidden = true;
    $('bind-ok').disabled = true;
    show($('bind-status'), text('working'));
    try {
      const proof = await prove(client, $('bind-cert').value, $('bind-pin').value, 'bind');
      await post('/web/ca/bindings', proof);
      location.assign('/admin/ca-users?done=bound');
    } catch (e) {
      show($('bind-error'), e.message);
    } finally {
      $('bind-status').hidden = true;
      $('bind-pin').value = '';
      $('bind-ok').disabled = false;
    }
  });
}

// Times come from the server in UTC; shown in the browser's own time zone, as the CLI's
// tables show them (2026-12-03 22:18:27).
function localTimes() {
  const two = (n) => String(n).padStart(2, '0');
  for (const el of document.querySelectorAll('time[datetime]')) {
    const d = new Date(el.dateTime);
    if (isNaN(d)) continue;
    el.textContent = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
      `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    el.title = el.dateTime;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  localTimes();
  const page = document.body.dataset.page;
  if (page === 'login') loginPage();
  if (page === 'ca-users') caUsersPage();
});
