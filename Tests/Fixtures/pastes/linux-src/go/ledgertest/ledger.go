package ledgertest

type Ledger struct{ accounts map[string]*int }

func (l *Ledger) Balance(name string) int { return *l.accounts[name] }
