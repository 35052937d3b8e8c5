"""How each model repo of the replica is made: its record, its synthesis from a board row, license, ids, files."""
