// A ledger whose balance reads an account that was never opened.
export interface Account {
  name: string;
  total?: { value: number };
}

export class Ledger {
  private accounts = new Map<string, Account>();

  open(name: string): void {
    this.accounts.set(name, { name, total: { value: 0 } });
  }

  balance(name: string): number {
    const account = this.accounts.get(name) as Account;
    return readTotal(account);
  }
}

function readTotal(account: Account): number {
  return account.total!.value;
}
