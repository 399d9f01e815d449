// The console's only script, served from our own origin (CSP script-src 'self'): two small conveniences, nothing the
// pages need to work without JavaScript.
document.addEventListener('submit', (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener('change', (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.form && el.form.classList.contains('filters')) el.form.requestSubmit();
});
