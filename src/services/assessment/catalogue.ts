/** The check catalogue lives beside the checks (src/checks/catalogue.ts); kept here for the assessment's importers. */
export { CATALOGUE, type CatalogueEntry, CATEGORY_INFO, catalogueEntry, catalogueFor, categoryTitle } from '../../checks/catalogue.js';
