export { type LeadPolicy, leadPolicy } from "./leads.js";
