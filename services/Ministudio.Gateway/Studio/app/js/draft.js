// The film being written, kept for this tab (sessionStorage: it is the user's work, not a secret) so moving between
// the library and the editor loses nothing.
const storageKey = 'ministudio.draft';

export const blankFilm = () => ({
  title: 'Untitled film',
  aspectRatio: '16:9',
  provider: 'local',
  characters: [],
  scenes: [{ shots: [{ action: '', durationSeconds: 3, shotType: 'WS', camera: 'static' }] }],
});

export const draft = {
  get film() {
    try { return JSON.parse(sessionStorage.getItem(storageKey)) ?? blankFilm(); } catch { return blankFilm(); }
  },
  set film(value) { sessionStorage.setItem(storageKey, JSON.stringify(value)); },
  update(change) {
    const film = this.film;
    change(film);
    this.film = film;
  },
  use(route, stored) {
    this.update((film) => {
      if (film.template) Object.assign(film, blankFilm(), { template: undefined, values: undefined });
      if (route === 'characters') {
        film.characters ??= [];
        if (!film.characters.some((c) => c.id === stored.id)) film.characters.push({ id: stored.id });
      } else if (route === 'environments') {
        film.scenes ??= [{ shots: [] }];
        film.scenes[0].environment = { id: stored.id };
      } else {
        film.style = { id: stored.id };
      }
    });
  },
  useStylePack(id) {
    this.update((film) => { film.style = { id }; });
  },
  fromTemplate(id, template) {
    this.film = { template: id, values: { ...(template.defaults ?? {}) } };
  },
};
