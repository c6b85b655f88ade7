/** The language stories' catalogs. A host registers the languages it ships the same way, once. */
import { registerLocale } from '@flagline/elements';
import { ar } from '@flagline/elements/locales/ar.js';
import { es } from '@flagline/elements/locales/es.js';
import { fr } from '@flagline/elements/locales/fr.js';

registerLocale('es', es);
registerLocale('fr', fr);
registerLocale('ar', ar);
