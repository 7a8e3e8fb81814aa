package ledgertest

import "testing"

func TestBalance(t *testing.T) {
	l := &Ledger{accounts: map[string]*int{}}
	if l.Balance("bob") != 0 {
		t.Fatal("want 0")
	}
}
