// The sign-in window's last page: tell the task pane how it went (Office dialog API); outside a dialog the
// page's text is all there is.
const result = document.getElementById("result").dataset.result;
if (window.Office) {
  Office.onReady(() => {
    if (Office.context?.ui?.messageParent) Office.context.ui.messageParent(result);
  });
}
