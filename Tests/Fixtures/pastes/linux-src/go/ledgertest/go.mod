module ledgertest

go 1.19
