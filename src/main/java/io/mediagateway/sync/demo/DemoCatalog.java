package io.mediagateway.sync.demo;

import java.util.List;

/** The titles the demo's devices watch and bookmark. */
final class DemoCatalog {
    record Title(String contentId, String title, int year, String contentType, int durationSeconds) {
    }

    static final List<Title> TITLES = List.of(
            new Title("tmdb:550", "Fight Club", 1999, "movie", 8340),
            new Title("tmdb:603", "The Matrix", 1999, "movie", 8160),
            new Title("tmdb:27205", "Inception", 2010, "movie", 8880),
            new Title("tmdb:157336", "Interstellar", 2014, "movie", 10140),
            new Title("tmdb:680", "Pulp Fiction", 1994, "movie", 9240),
            new Title("tmdb:13", "Forrest Gump", 1994, "movie", 8520),
            new Title("tmdb:129", "Spirited Away", 2001, "movie", 7500),
            new Title("tmdb:496243", "Parasite", 2019, "movie", 7920),
            new Title("tmdb:872585", "Oppenheimer", 2023, "movie", 10800),
            new Title("tmdb:438631", "Dune", 2021, "movie", 9360),
            new Title("tmdb:tv:1396:s1e1", "Breaking Bad · S1 E1", 2008, "episode", 3480),
            new Title("tmdb:tv:1396:s1e2", "Breaking Bad · S1 E2", 2008, "episode", 2880),
            new Title("tmdb:tv:66732:s1e1", "Stranger Things · S1 E1", 2016, "episode", 2940),
            new Title("tmdb:tv:66732:s1e2", "Stranger Things · S1 E2", 2016, "episode", 3300),
            new Title("tmdb:tv:94997:s1e1", "House of the Dragon · S1 E1", 2022, "episode", 3960),
            new Title("tmdb:tv:100088:s1e1", "The Last of Us · S1 E1", 2023, "episode", 4860),
            new Title("tmdb:tv:136315:s1e1", "The Bear · S1 E1", 2022, "episode", 1740),
            new Title("tmdb:tv:95396:s1e1", "Severance · S1 E1", 2022, "episode", 3420),
            new Title("tmdb:tv:87108:s1e1", "Chernobyl · E1", 2019, "episode", 3600),
            new Title("tmdb:tv:76479:s1e1", "The Boys · S1 E1", 2019, "episode", 3600),
            new Title("tmdb:tv:1399:s1e1", "Game of Thrones · S1 E1", 2011, "episode", 3720),
            new Title("tmdb:tv:2316:s1e1", "The Office · S1 E1", 2005, "episode", 1380));

    private DemoCatalog() {
    }
}
