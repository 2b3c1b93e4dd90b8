"""Repository tooling (not part of the installed ``eventwire`` package): the accuracy gate's pins."""
