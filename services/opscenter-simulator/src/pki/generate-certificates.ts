// `node --import tsx services/opscenter-simulator/src/pki/generate-certificates.ts <dir>`: writes a
// fresh pair of link CAs and the four certificates (demo and docker-compose use it).
import { generateLinkCertificates, writeLinkCertificates } from './link-certificates';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: generate-certificates.ts <output folder>');
  process.exit(2);
}
generateLinkCertificates()
  .then((certs) => {
    const files = writeLinkCertificates(dir, certs);
    console.log(Object.values(files).join('\n'));
  })
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
