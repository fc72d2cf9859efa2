declare namespace App {
  interface Locals {
    /** The client's IP (X-Forwarded-For honoured only through TRUST_PROXY hops). */
    clientIp: string;
  }
}
