"""Money that moves across two systems (a card at payments, a balance at billing), as
sagas with a durable log."""
