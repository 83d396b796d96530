/** A 100 KB product-listing page with exactly five `data-tailor-slot` regions. */
export function largePage(): string {
  const slot = (name: string) => `<section data-tailor-slot="${name}" class="slot"><h2>Default ${name}</h2><p>Our best gear for every trail.</p></section>`;
  const products: string[] = [];
  for (let i = 0; products.join('').length < 98_000; i++) {
    products.push(`<article class="product"><h3>Product ${i}</h3><p>${'Lightweight, durable and ready for the trail. '.repeat(4)}</p><a href="/products/p${i}.html">View</a></article>\n`);
  }
  const half = products.length >> 1;
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Bench</title></head><body>` +
    `${slot('hero')}${slot('banner')}${products.slice(0, half).join('')}${slot('recommendation')}` +
    `<aside>${slot('sidebar')}</aside>${products.slice(half).join('')}${slot('footer-offer')}</body></html>`
  );
}
