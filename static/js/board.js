// Facilitator board: being built.
