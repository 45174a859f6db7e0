export interface Config { readonly port: number }
