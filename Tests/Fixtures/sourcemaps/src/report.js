// A browser-side report builder, minified by terser with an inline source map.
function formatAmount(amount) {
  return amount.currency.toUpperCase() + " " + amount.value.toFixed(2);
}

function renderRow(entry) {
  return "<tr><td>" + entry.account + "</td><td>" + formatAmount(entry.amount) + "</td></tr>";
}

function renderReport(entries) {
  return entries.map(renderRow).join("\n");
}

renderReport([
  { account: "cash", amount: { currency: "eur", value: 12.5 } },
  { account: "bank", amount: undefined },
]);
