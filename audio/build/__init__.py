"""Everything that synthesises or encodes audio; never imported while serving."""
