"""The simulated loyalty programme: partner offers (TMF671) and members with their
activated offers (TMF658), joining and activating included."""
