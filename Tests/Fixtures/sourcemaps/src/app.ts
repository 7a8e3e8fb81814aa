import { Ledger } from "./ledger";

function closePeriod(ledger: Ledger, names: string[]): number {
  let sum = 0;
  for (const name of names) {
    sum += ledger.balance(name);
  }
  return sum;
}

function main(): void {
  const ledger = new Ledger();
  ledger.open("cash");
  console.log(closePeriod(ledger, ["cash", "bank"]));
}

main();
