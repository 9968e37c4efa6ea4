"""Pages the service serves itself: the citizen H5 app (/), the merchant scan page (/merchant) and
the staff dashboard (/admin). Plain HTML, CSS and JavaScript under static/, no build step for our
own code, no requests to anyone else; they use the public HTTP API like any other client."""
