export class ClientLink {}
