"""One repository per aggregate, one module each; import each from its own module. Every read that a caller
can reach takes a Scope; none of them commits; a month crosses their boundary as a `Month`."""
