// Office.js stand-in for browser tests, served at Microsoft's CDN URL by page.route. Only the surface the
// task pane uses. Configure before the page loads: window.__office = {mode: "read" | "compose", item: {...},
// naa: true|false, profile: {emailAddress, displayName}, dialog: {status, token?, message?} | null}.
// Everything the pane asks of Outlook is recorded in window.__officeCalls.
(function () {
  const config = window.__office || {};
  const calls = (window.__officeCalls = []);
  const ok = (value) => ({status: "succeeded", value});
  const record = (name, ...args) => calls.push({name, args: JSON.parse(JSON.stringify(args))});

  function composeItem(fields) {
    const setter = (name) => ({
      setAsync(value, optionsOrCallback, callback) {
        record(`${name}.setAsync`, value);
        (typeof optionsOrCallback === "function" ? optionsOrCallback : callback)(ok(undefined));
      },
      getAsync(callback) { callback(ok(fields[name])); },
    });
    return {
      itemType: "message", conversationId: null, subject: setter("subject"), to: setter("to"), cc: setter("cc"),
      body: {
        setSelectedDataAsync(data, options, callback) {
          record("body.setSelectedDataAsync", data, options);
          callback(ok(undefined));
        },
        getAsync(type, callback) { callback(ok("")); },
      },
    };
  }

  const item = config.mode === "compose" ? composeItem(config.item || {}) : (config.item || null);

  window.Office = {
    EventType: {ItemChanged: "olkItemSelectedChanged", DialogMessageReceived: "dialogMessageReceived",
                DialogEventReceived: "dialogEventReceived"},
    MailboxEnums: {RestVersion: {v1_0: "v1.0", v2_0: "v2.0", Beta: "beta"}},
    CoercionType: {Html: "html", Text: "text"},
    AsyncResultStatus: {Succeeded: "succeeded", Failed: "failed"},
    context: {
      requirements: {isSetSupported(name, version) {
        record("isSetSupported", name, version);
        return name === "NestedAppAuth" ? config.naa !== false : true;
      }},
      mailbox: {
        item,
        userProfile: config.profile || {emailAddress: "", displayName: ""},
        diagnostics: {hostName: "Outlook", hostVersion: "16.0"},
        convertToRestId(id, version) {
          record("convertToRestId", id, version);
          return `rest:${id}`;
        },
        addHandlerAsync(type, handler, callback) {
          record("addHandlerAsync", type);
          callback?.(ok(undefined));
        },
      },
      ui: {
        displayDialogAsync(url, options, callback) {
          record("displayDialogAsync", url, options);
          const handlers = {};
          const dialog = {
            addEventHandler(type, handler) { handlers[type] = handler; },
            close() { record("dialog.close"); },
          };
          callback(ok(dialog));
          setTimeout(() => {
            const answer = config.dialog || {status: "error", message: "The test closed the window."};
            handlers[Office.EventType.DialogMessageReceived]?.({message: JSON.stringify(answer)});
          }, 50);
        },
      },
    },
  };
  Office.onReady = (callback) => {
    const info = {host: "Outlook", platform: "OfficeOnline"};
    return Promise.resolve(info).then((value) => { callback?.(value); return value; });
  };
})();
