// Starts Swagger UI on /api/docs (a separate file so the page's CSP needs no inline script).
window.addEventListener('load', () => {
  const el = document.getElementById('swagger-ui');
  window.SwaggerUIBundle({ url: el.dataset.specUrl, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
});
